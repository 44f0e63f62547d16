"""MADE-UP DATA: write a fictional province's site folder — the province's 2026 plan, whose units
are communes and wards, and the 2026 plans of its first communes and wards — for the site of
several localities (README: «A site of several localities»).

    python examples/make_province.py OUT [--units 20] [--plans 20] [--disagree 0] [--seed 1]

``OUT/tinh-tra-son/2026/`` is `examples/province/2026/` with Biểu số 01 and 03 rewritten for
``--units`` units; ``OUT/<unit>/2026/`` is `examples/commune/2026/` renamed, with 7 villages and
residential groups of its own and its budget scaled. The province prints each unit's figures as
the unit's own plan gives them, except for the first ``--disagree`` units, whose households it
prints 10 higher and whose allocated funds 5 million VND lower (findings across levels).
Nothing here is a published plan: names and figures are invented.
"""
from __future__ import annotations

import argparse
import csv
import random
import re
import shutil
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROVINCE, COMMUNE = HERE / "province" / "2026", HERE / "commune" / "2026"
FIRST = ["An", "Bình", "Cẩm", "Đông", "Hòa", "Hưng", "Kim", "Lạc", "Minh", "Nam", "Phú",
         "Phước", "Quang", "Sơn", "Tân", "Thạch", "Thanh", "Trung", "Vĩnh", "Xuân"]
SECOND = ["Bắc", "Châu", "Điền", "Giang", "Hà", "Khê", "Lâm", "Lộc", "Lợi", "Mỹ", "Ninh",
          "Phong", "Sơn", "Tây", "Thịnh", "Thủy", "Tiến", "Trà", "Yên", "Vân"]
VILLAGES = ["Thôn Đông", "Thôn Đoài", "Thôn Trung", "Thôn Hạ", "Thôn Thượng", "Tổ dân phố 1",
            "Tổ dân phố 2"]


def slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    plain = plain.encode("ascii", "ignore").decode().lower()
    return "-".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def names(count: int, rng: random.Random) -> list[str]:
    pairs = [f"{a} {b}" for a in FIRST for b in SECOND if a != b]
    rng.shuffle(pairs)
    if count > len(pairs):
        raise SystemExit(f"at most {len(pairs)} units")
    return pairs[:count]


def rate(poor: int, households: int) -> str:
    return f"{100 * poor / households:.2f}"


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def villages(rng: random.Random) -> list[list[int]]:
    """Households, poor at the start, poor targeted, for each of 7 units."""
    rows = []
    for _ in VILLAGES:
        households = rng.randint(150, 650)
        poor = rng.randint(0, max(1, households // 30))
        rows.append([households, poor, max(0, poor - rng.randint(0, 3))])
    return rows


def write_commune(folder: Path, level: str, name: str, rows: list[list[int]],
                  scale: int) -> None:
    """The commune's plan: its villages' ``rows``, its budget the example's times ``scale``."""
    shutil.copytree(COMMUNE, folder)
    text = (COMMUNE / "plan.yaml").read_text(encoding="utf-8")
    text = text.replace("Tân An Hòa", name).replace("TÂN AN HÒA", name.upper())
    text = text.replace("level: xã", f"level: {level.lower()}")
    text = re.sub(r"(?m)^(\s*)(Ủy ban nhân dân|issuer_short: UBND) xã",
                  lambda m: f"{m.group(1)}{m.group(2)} {level.lower()}", text)
    text = text.replace("[ỦY BAN NHÂN DÂN, XÃ ", f"[ỦY BAN NHÂN DÂN, {level.upper()} ")
    text = text.replace("tỉnh Bắc Ninh", "tỉnh Trà Sơn").replace("UBND tỉnh Bắc Ninh",
                                                                 "UBND tỉnh Trà Sơn")
    households = sum(r[0] for r in rows)
    target = sum(r[2] for r in rows)
    text = re.sub(r"rate_target: [0-9.]+", f"rate_target: {rate(target, households)}", text)
    text = re.sub(r"text_figures: {total: (\d+)}",
                  lambda m: f"text_figures: {{total: {int(m.group(1)) * scale}}}", text)
    text = "# DỮ LIỆU GIẢ ĐỊNH (made up), viết bởi examples/make_province.py.\n" + text
    (folder / "plan.yaml").write_text(text, encoding="utf-8")
    body = [[i, unit, h, p, rate(p, h), t, rate(t, h), p - t]
            for i, (unit, (h, p, t)) in enumerate(zip(VILLAGES, rows), start=1)]
    poor = sum(r[1] for r in rows)
    body.append(["", "Tổng cộng", households, poor, rate(poor, households), target,
                 rate(target, households), poor - target])
    write_csv(folder / "units.csv", ["tt", "unit", "households", "poor_prev", "rate_prev",
                                     "poor_target", "rate_target", "reduction"], body)
    with (COMMUNE / "budget.csv").open(encoding="utf-8") as source:
        budget = list(csv.reader(source))
    for row in budget[1:]:
        for col in range(2, 7):
            if row[col]:
                row[col] = str(int(row[col]) * scale)
    write_csv(folder / "budget.csv", budget[0], budget[1:])


def allocation(scale: int, less: int) -> list[int]:
    """Biểu số 03's figures for a unit whose budget is the commune example's times ``scale``
    (central 888, local 97; projects 2, 3, 6: 462, 447, 76), with ``less`` taken off its local
    funds and Dự án 6 (the form still adds up)."""
    central, local = 888 * scale, 97 * scale - less
    return [central + local, central, 0, central, local, 0, local, 0, 462 * scale,
            447 * scale, 76 * scale - less]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--units", type=int, default=20)
    parser.add_argument("--plans", type=int, help="units with a plan of their own (all)")
    parser.add_argument("--disagree", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    plans = args.units if args.plans is None else args.plans
    if args.out.exists():
        raise SystemExit(f"{args.out} exists")
    args.out.mkdir(parents=True)
    province = args.out / "tinh-tra-son" / "2026"
    shutil.copytree(PROVINCE, province)
    levels = ["xã"] * (args.units - args.units // 4) + ["phường"] * (args.units // 4)
    units, allocated = [], []
    for i, (level, name) in enumerate(zip(levels, names(args.units, rng))):
        rows, scale = villages(rng), 1 + i % 3
        unit = f"{level.capitalize()} {name}"
        if i < plans:
            write_commune(args.out / slug(unit) / "2026", level, name, rows, scale)
        h, p, t = (sum(r[k] for r in rows) for k in range(3))
        less = 5 if i < args.disagree else 0
        units.append((level, unit, h + 2 * less, p, t))
        allocated.append((level, unit, allocation(scale, less)))
    groups = [(lv, f"Các {lv}") for lv in dict.fromkeys(levels)]
    header = (PROVINCE / "units.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    body, number = [], 0
    for roman, (level, label) in zip(["I", "II"], groups):
        members = [u for u in units if u[0] == level]
        rows = []
        for _, unit, h, p, t in members:
            number += 1
            near = rng.randint(p, 2 * p + 5)
            near_t = max(0, near - rng.randint(0, 5))
            ethnic = rng.randint(0, p)
            rows.append([number, unit, h, p, rate(p, h), near, rate(near, h), ethnic,
                         rate(ethnic, p) if p else "0.00", t, rate(t, h), near_t,
                         rate(near_t, h), p - t])
        body.append([roman, label, *group_sums(rows)])
        body += rows
    leaf = [r for r in body if isinstance(r[0], int)]
    body.append(["", "Tổng cộng", *group_sums(leaf)])
    write_csv(province / "units.csv", header, body)
    text = (PROVINCE / "plan.yaml").read_text(encoding="utf-8")
    text = re.sub(r"rate_target: [0-9.]+", f"rate_target: {body[-1][10]}", text)
    (province / "plan.yaml").write_text(text, encoding="utf-8")
    header = (PROVINCE / "allocation.csv").read_text(encoding="utf-8").splitlines()[0]
    body, number = [], 0
    for roman, (level, label) in zip(["I", "II"], groups):
        rows = []
        for _, unit, figures in (a for a in allocated if a[0] == level):
            number += 1
            rows.append([number, unit, *figures])
        body.append([roman, label, *[sum(r[k] for r in rows) for k in range(2, 13)]])
        body += rows
    leaf = [r for r in body if isinstance(r[0], int)]
    body.append(["", "Tổng cộng", *[sum(r[k] for r in leaf) for k in range(2, 13)]])
    write_csv(province / "allocation.csv", header.split(","),
              [[("" if v == 0 and k in (4, 7, 9) else v) for k, v in enumerate(r)]
               for r in body])
    (args.out / "README.md").write_text(
        "# DỮ LIỆU GIẢ ĐỊNH (made up)\n\nWritten by `examples/make_province.py`: a fictional "
        f"province and {plans} of its {args.units} communes and wards. Not published plans.\n",
        encoding="utf-8")
    print(f"{args.out}: 1 province, {plans} plans of its {args.units} units")


def group_sums(rows: list[list]) -> list:
    """The figures of Biểu số 01 summed over ``rows``, rates computed again."""
    h, p, near, ethnic, t, near_t = (sum(r[k] for r in rows) for k in (2, 3, 5, 7, 9, 11))
    return [h, p, rate(p, h), near, rate(near, h), ethnic, rate(ethnic, p) if p else "0.00",
            t, rate(t, h), near_t, rate(near_t, h), p - t]


if __name__ == "__main__":
    main()
