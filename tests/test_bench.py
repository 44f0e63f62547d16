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
