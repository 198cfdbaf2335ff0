// The view of an answer box (widgets.exercises.AnswerBoxWidget): the prompt, the answer field, a
// 检查 (Check) button, the verdict line and the worked solution behind a 显示解答 (Show solution)
// toggle, all in one widget view (one model and its Layout per box, instead of 22 ipywidgets models).
//
// Math. The prompt and the solution are typeset by the page's own LaTeX typesetter, found the way
// ipywidgets' HTMLMath view finds it: the widget manager's rendermime latexTypesetter, which is the
// MathJax 3 of @jupyterlab/mathjax-extension in JupyterLab 4, Notebook 7 and Voilà 0.5 (all three
// build their widget manager on jupyterlab_widgets). Elsewhere a page-wide MathJax 3 or 2 is used;
// with none, the LaTeX stays readable as $...$ text. This keeps every box at two models; the other
// way, HTMLMath widgets for the prompt and the solution, adds two models (Layout, Style) for each.
// The solution is typeset the first time it is shown, so a page of boxes typesets only prompts.
//
// Checking: Enter or 检查 sends {event: "check", value} to the kernel, which checks the text with the
// package's safe parsers and sets the traits `feedback` (the verdict line), `correct` and `checks`.

const SHOW = "显示解答 (Show solution)";
const HIDE = "隐藏解答 (Hide solution)";
const MATH = /\$|\\\(|\\\[/;
let serial = 0;

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function latexTypesetter(model) {
  const manager = model.widget_manager || {};
  const rendermime = manager._rendermime || manager.rendermime;
  return (rendermime && rendermime.latexTypesetter) || null;
}

/** Typeset the math in `node` (attached to the page); record how in node.dataset.math. */
async function typeset(model, node) {
  let how = "none";
  if (MATH.test(node.textContent)) {
    how = "text";
    try {
      const typesetter = latexTypesetter(model);
      const mathjax = window.MathJax;
      if (typesetter) {
        await typesetter.typeset(node);
        how = "rendermime";
      } else if (mathjax && typeof mathjax.typesetPromise === "function") {
        await mathjax.typesetPromise([node]);
        how = "mathjax3";
      } else if (mathjax && mathjax.Hub && mathjax.Hub.Queue) {
        mathjax.Hub.Queue(["Typeset", mathjax.Hub, node]);
        how = "mathjax2";
      }
    } catch (error) {
      console.warn("answer box: could not typeset the math", error);
      how = "text";
    }
  }
  node.dataset.math = how;
  return how;
}

/** Resolve once `el` is in the page (MathJax measures fonts there); never if the view goes first. */
function attached(el, signal) {
  return new Promise((resolve) => {
    const look = () => {
      if (signal.aborted) return;
      if (el.isConnected) resolve();
      else setTimeout(look, 30);
    };
    look();
  });
}

function render({ model, el }) {
  const id = `mml-answer-box-${++serial}`;
  const controller = new AbortController();
  const box = element("div", "mml-answer-box");
  const row = element("div", "mml-ab-row");
  const prompt = element("span", "mml-ab-prompt");
  const field = element("span", "mml-ab-field");
  const input = element("textarea", "mml-ab-input");
  const check = element("button", "mml-ab-check", "检查 (Check)");
  const reveal = element("button", "mml-ab-reveal", SHOW);
  const feedback = element("div", "mml-ab-feedback");
  const solution = element("div", "mml-ab-solution");

  // A one-line field that wraps instead of cutting its placeholder or the answer off: the field is a
  // grid cell sized by an invisible copy of the longer of the two (see answer_box.css).
  Object.assign(input, { rows: 1, spellcheck: false, autocomplete: "off" });
  input.setAttribute("autocapitalize", "off");
  input.setAttribute("aria-label", "答案 (answer)");
  check.type = reveal.type = "button";
  feedback.setAttribute("role", "status");
  feedback.setAttribute("aria-live", "polite");
  solution.id = `${id}-solution`;
  reveal.setAttribute("aria-controls", solution.id);
  field.append(input);
  row.append(prompt, field, check, reveal);
  box.append(row, feedback, solution);
  el.classList.add("jupyter-widgets");  // as every ipywidgets view: the widget margins, and tools find it
  el.append(box);

  const resize = () => {
    const text = input.value, placeholder = input.placeholder;
    field.dataset.size = text.length > placeholder.length ? text : placeholder;
  };
  const submit = () => {
    // the model holds the text sent, so the kernel's echo of it never overwrites what is typed since
    model.set("value", input.value);
    model.save_changes();
    model.send({ event: "check", value: input.value });
  };
  input.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.isComposing || event.keyCode === 229) return;  // IME: Enter picks
    event.preventDefault();
    event.stopPropagation();  // not the notebook's Enter / Shift+Enter
    submit();
  }, { signal: controller.signal });
  input.addEventListener("input", () => {
    if (/[\r\n]/.test(input.value)) input.value = input.value.replace(/[\r\n]+/g, " ");  // pasted lines
    resize();
  }, { signal: controller.signal });
  check.addEventListener("click", submit, { signal: controller.signal });
  reveal.addEventListener("click", () => {
    model.set("show_solution", !model.get("show_solution"));
    model.save_changes();
  }, { signal: controller.signal });

  let solutionTypeset = false;
  const show = {
    prompt() {
      // The prompt and the solution are the package's own HTML (the exercise bank), never a student's text.
      prompt.innerHTML = model.get("prompt");
      prompt.hidden = !model.get("prompt");
      attached(el, controller.signal).then(() => typeset(model, prompt));
    },
    placeholder() {
      input.placeholder = model.get("placeholder");
      resize();
    },
    value() {
      const value = model.get("value");
      if (input.value !== value) input.value = value;
      resize();
    },
    feedback() {
      const correct = model.get("correct");
      feedback.textContent = model.get("feedback");
      feedback.hidden = !model.get("feedback");
      feedback.classList.toggle("mml-ab-correct", correct === true);
      feedback.classList.toggle("mml-ab-wrong", correct === false);
    },
    checks() {
      // every check flashes the line, so the same verdict again still shows that it was checked
      feedback.classList.remove("mml-ab-fresh");
      if (model.get("checks") > 0) {
        void feedback.offsetWidth;  // restarts the animation
        feedback.classList.add("mml-ab-fresh");
      }
    },
    solution() {
      solution.innerHTML = model.get("solution");
      solutionTypeset = false;
      show.show_solution();
    },
    show_solution() {
      const has = !!model.get("solution"), open = has && model.get("show_solution");
      reveal.hidden = !has;
      reveal.textContent = open ? HIDE : SHOW;
      reveal.setAttribute("aria-expanded", String(open));
      solution.hidden = !open;
      if (open && !solutionTypeset) {
        solutionTypeset = true;
        attached(el, controller.signal).then(() => typeset(model, solution));
      }
    },
  };
  const handlers = [];
  for (const [name, update] of Object.entries(show)) {
    if (name !== "checks") update();
    handlers.push([`change:${name}`, update]);
  }
  handlers.push(["change:correct", show.feedback]);
  for (const [event, handler] of handlers) model.on(event, handler);
  return () => {
    controller.abort();
    for (const [event, handler] of handlers) model.off(event, handler);
  };
}

export default { render };
