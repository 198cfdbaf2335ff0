// The explorers' canvas, page side (the protocol is described in canvas.py).
// Frames are painted in the order they arrive, all pending ones within the next animation frame,
// and each paint is acknowledged so that the kernel never sends more than a few ahead.

function render({ model, el }) {
  const canvas = document.createElement("canvas");
  canvas.className = "mml-explorer-canvas";
  canvas.style.display = "block";
  canvas.style.touchAction = "none"; // a drag on a touch screen moves the point, not the page
  const context = canvas.getContext("2d");
  el.appendChild(canvas);

  function setCssSize() {
    canvas.style.width = `${model.get("css_width")}px`;
    canvas.style.height = `${model.get("css_height")}px`;
  }
  setCssSize();
  model.on("change:css_width change:css_height", setCssSize);

  // -- frames ---------------------------------------------------------------------------------
  const pending = []; // {frame, pixels}: pixels is null while they are inflated
  let paintScheduled = false;
  let closed = false;

  function schedulePaint() {
    if (!paintScheduled && !closed) {
      paintScheduled = true;
      requestAnimationFrame(paint);
    }
  }

  function paint() {
    paintScheduled = false;
    let painted = null;
    let resync = false;
    while (pending.length > 0 && pending[0].pixels !== null) {
      const entry = pending.shift();
      const { frame, pixels } = entry;
      resync ||= entry.resync === true;
      const [width, height] = frame.size;
      if (canvas.width !== width || canvas.height !== height) {
        canvas.width = width;
        canvas.height = height;
      }
      let offset = 0;
      for (const [x, y, w, h] of frame.rects) {
        const length = w * h * 4;
        if (pixels.length >= offset + length) {
          context.putImageData(new ImageData(pixels.subarray(offset, offset + length), w, h), x, y);
        } else {
          resync = true;
        }
        offset += length;
      }
      painted = frame.seq;
    }
    if (resync) {
      model.send({ type: "hello", dpr: window.devicePixelRatio || 1 }); // the whole picture again
    } else if (painted !== null) {
      model.send({ type: "ack", seq: painted });
    }
  }

  async function inflate(bytes) {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Uint8ClampedArray(await new Response(stream).arrayBuffer());
  }

  function onMessage(frame, buffers) {
    if (!frame || frame.type !== "frame") return;
    const data = buffers[0];
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const entry = { frame, pixels: null };
    pending.push(entry);
    if (frame.encoding === "deflate") {
      inflate(bytes).then(
        (pixels) => { entry.pixels = pixels; schedulePaint(); },
        (error) => {
          // a frame that cannot be read: skip it, then ask for the whole picture again
          console.error("explorer canvas: frame", frame.seq, "could not be inflated:", error);
          entry.pixels = new Uint8ClampedArray(0);
          entry.resync = true;
          schedulePaint();
        },
      );
    } else {
      entry.pixels = new Uint8ClampedArray(bytes); // a copy: the buffer may be a view into a larger one
      schedulePaint();
    }
  }
  model.on("msg:custom", onMessage);

  // -- devicePixelRatio -------------------------------------------------------------------------
  let ratioQuery = null;
  function watchRatio() {
    ratioQuery = window.matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`);
    ratioQuery.addEventListener("change", onRatioChange, { once: true });
  }
  function onRatioChange() {
    if (closed) return;
    model.send({ type: "dpr", dpr: window.devicePixelRatio || 1 });
    watchRatio();
  }
  watchRatio();
  model.send({ type: "hello", dpr: window.devicePixelRatio || 1 });

  // -- the keyboard: arrow keys move a focused slider of the explorer, not the notebook's cursor ----
  // Notebook 7 binds ArrowLeft/ArrowRight in command mode to any focused element of the notebook;
  // Lumino skips the shortcuts of a key pressed on an element marked data-lm-suppress-shortcuts.
  function markFocused(event) {
    event.target.setAttribute("data-lm-suppress-shortcuts", "true");
  }
  let explorer = null;
  function watchFocus() {
    if (closed) return;
    if (!el.isConnected) {
      requestAnimationFrame(watchFocus);
      return;
    }
    explorer = el.closest(".mml-explorer");
    if (explorer) explorer.addEventListener("focusin", markFocused);
  }
  watchFocus();

  // -- the mouse, for matplotlib's own event handling ------------------------------------------------
  let pendingMove = null;
  function pointer(kind, event) {
    const box = canvas.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return;
    model.send({
      type: "pointer",
      event: kind,
      x: (event.clientX - box.left) / box.width,
      y: (event.clientY - box.top) / box.height,
      button: event.button,
      buttons: event.buttons,
    });
  }
  function flushMove() {
    if (pendingMove !== null) {
      const event = pendingMove;
      pendingMove = null;
      pointer("move", event);
    }
  }
  function onDown(event) {
    canvas.setPointerCapture(event.pointerId);
    flushMove();
    pointer("down", event);
    event.preventDefault();
  }
  function onMove(event) {
    if (event.buttons === 0) return; // only drags matter to the explorers
    // at most one move per animation frame: the newest
    if (pendingMove === null) requestAnimationFrame(flushMove);
    pendingMove = event;
  }
  function onUp(event) {
    flushMove();
    pointer("up", event);
  }
  canvas.addEventListener("pointerdown", onDown);
  canvas.addEventListener("pointermove", onMove);
  canvas.addEventListener("pointerup", onUp);
  canvas.addEventListener("contextmenu", (event) => event.preventDefault());

  return () => {
    closed = true;
    model.off("msg:custom", onMessage);
    model.off("change:css_width change:css_height", setCssSize);
    if (ratioQuery) ratioQuery.removeEventListener("change", onRatioChange);
    if (explorer) explorer.removeEventListener("focusin", markFocused);
  };
}

export default { render };
