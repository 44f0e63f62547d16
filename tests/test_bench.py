"""``make bench``'s figures: marginal costs per step and the ratios the targets speak of
(the runs below are made up; ``make bench`` measures real ones)."""
from planbook import bench


def synthetic(units, seconds, notebooks):
    return bench.Run(f"{units} units", seconds, units + 12, 500, units, (), notebooks)


def test_targets_are_held_to_16_64_256_even_with_a_larger_size():
    runs = [bench.Run("clean", 20, 28, 600), bench.Run("no change", 1.5, 0, 90),
            bench.Run("budget", 14, 7, 600, names=("book/2023/budget.ipynb",)),
            bench.Run("force", 100, 28, 260)]
    sizes = [synthetic(16, 20, 8), synthetic(64, 35, 17), synthetic(256, 95, 55),
             synthetic(1024, 400, 230)]
    figures = bench.summary(runs, sizes)
    assert figures["clean_over_force"] == 0.2 and figures["noop_over_clean"] == 0.075
    assert figures["steps"]["256-1024"]["marginal_unit_s"] == round(305 / 768, 3)
    assert figures["marginal_unit_s"] == round(60 / 192, 3)  # 64→256, not 256→1024
    assert figures["linearity"] == round((60 / 192) / (15 / 48), 3)
    assert any("(target ≤ 1.2)" in line for line in bench.report(figures))


def test_an_edit_is_held_to_half_a_clean_build_and_the_preview_to_seconds():
    runs = [bench.Run("clean", 20, 28, 600), bench.Run("no change", 1.5, 0, 90),
            bench.Run("budget", 14, 7, 600), bench.Run("force", 100, 28, 260)]
    sizes = [synthetic(16, 20, 8), synthetic(64, 35, 17), synthetic(256, 95, 55)]
    edits = {"2023:edit": bench.Run("edit", 9, 7, 600), "2023:edits": [8.5, 9.5],
             "2023:count": bench.Run("count", 16, 28, 600), "2023:preview": [2.5, 4.0, 2.8],
             "256:edit": bench.Run("edit", 30, 7, 600, 256), "256:edits": [30, 30],
             "256:preview": [4.5, 5.5, 4.8]}
    figures = bench.summary(runs, sizes, edits)
    assert figures["edit_over_clean"] == 0.45 and figures["count_edit_over_clean"] == 0.8
    assert figures["preview_edit_s"] == 2.8, "the median of the three edits"
    assert figures["sizes"]["256"]["edit_over_clean"] == round(30 / 95, 3)
    assert figures["sizes"]["256"]["preview_edit_s"] == 4.8
    lines = bench.report(figures)
    assert any("make preview" in line and "(target ≤ 3 s)" in line for line in lines)
    assert any(line.startswith("256 units: make preview") and "(target ≤ 5 s)" in line
               for line in lines)
