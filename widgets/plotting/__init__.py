"""Plotting helpers: draw on a given ``Axes``, return the artists, never create widgets.

``draw_*`` creates artists and ``update_*`` moves them in place.
"""

from widgets.plotting.style import (
    COLORS,
    LINESTYLES,
    CJK_FONT,
    CJK_FONT_FILE,
    CJK_FONT_FILES,
    SelfContainedFormatter,
    StaticFigure,
    apply_house_style,
    cjk_font_available,
    house_rc,
    house_style,
    self_contained_ticks,
    static_figure,
)
from widgets.plotting.univariate import (
    draw_axes_lines,
    math_title,
    draw_difference_error,
    draw_secant,
    draw_taylor,
    draw_taylor_family,
    update_difference_error,
    update_secant,
    update_taylor,
)

# Sections 5.4 and 5.5
from widgets.plotting.matrices import (
    MosaicLayout,
    draw_error_dots,
    draw_fig_5_7,
    draw_identity_check,
    draw_jacobian,
    draw_tensor_mosaic,
    update_identity_check,
    update_jacobian,
    update_tensor_mosaic,
)

# Section 5.6
from widgets.plotting.autodiff import (
    step_caption,
    draw_computation_graph,
    draw_counts,
    draw_graph,
    draw_mode_chain,
    draw_network_pass,
    layered_layout,
    remove_graph,
    update_computation_graph,
)

# Sections 5.2 and 5.3
from widgets.plotting.gradients import (
    GRADIENT_COLORS,
    colour_key,
    draw_area_convergence,
    draw_basis_map,
    draw_chain_curves,
    draw_chain_rule,
    draw_contour_map,
    draw_direction_marks,
    draw_directional_profile,
    draw_gradient_check,
    draw_gradient_field,
    draw_gradient_map,
    draw_jacobian_panels,
    draw_lines,
    draw_map_squares,
    draw_path_on_map,
    draw_square_map,
    grid_lines,
    lean_ticks,
    level_curve,
    map_grid,
    robust_limits,
    round_values,
    square_view,
    update_area_convergence,
    update_chain_curves,
    update_chain_marks,
    update_chain_rule,
    update_direction_marks,
    update_directional_profile,
    update_gradient_field,
    update_gradient_map,
    update_level_curve,
    update_lines,
    update_map_grid,
    update_path_on_map,
    update_square_map,
)

# Sections 5.7 and 5.8
from widgets.plotting.surfaces import (
    draw_eigen_slices,
    draw_hessian_view,
    draw_linearization,
    draw_local_models_3d,
    draw_outer_product_matrix,
    draw_outer_product_tensor,
    draw_surface_3d,
    draw_taylor_errors,
    grid_polygons,
    level_segments,
    quantile_levels,
    replace_contours,
    static_figure_2d_3d,
    update_critical_points,
    update_eigen_slices,
    update_hessian_point,
    update_local_models_3d,
    update_taylor_errors,
)
# Section 5.0
from widgets.plotting.overview import draw_concept_map, draw_curve_fitting, draw_density
