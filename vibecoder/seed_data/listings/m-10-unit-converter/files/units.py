"""Unit conversion with exact ratios; temperatures handled as affine transforms."""

import sys
from fractions import Fraction as F

FACTORS = {
    "length": {"m": F(1), "km": F(1000), "cm": F(1, 100), "mm": F(1, 1000), "in": F(254, 10000),
               "ft": F(3048, 10000), "yd": F(9144, 10000), "mi": F(1609344, 1000)},
    "mass": {"kg": F(1), "g": F(1, 1000), "lb": F(45359237, 100000000), "oz": F(45359237, 1600000000)},
    "volume": {"l": F(1), "ml": F(1, 1000), "gal": F(3785411784, 1000000000), "cup": F(2365882365, 10000000000)},
    "data": {"B": F(1), "KB": F(1000), "MB": F(10**6), "GB": F(10**9), "KiB": F(1024), "MiB": F(1024**2), "GiB": F(1024**3)},
}
TEMPERATURE = {"C": (F(1), F(0)), "F": (F(5, 9), F(-32) * F(5, 9)), "K": (F(1), F(-27315, 100))}


def convert(value, source, target):
    value = F(str(value))
    if source in TEMPERATURE and target in TEMPERATURE:
        scale, offset = TEMPERATURE[source]
        celsius = value * scale + offset
        scale, offset = TEMPERATURE[target]
        return (celsius - offset) / scale
    for kind, table in FACTORS.items():
        if source in table and target in table:
            return value * table[source] / table[target]
    known = sorted({u for t in FACTORS.values() for u in t} | set(TEMPERATURE))
    raise ValueError(f"cannot convert {source} to {target}; known units: {', '.join(known)}")


if __name__ == "__main__":
    amount, source, target = sys.argv[1:4] if len(sys.argv) >= 4 else ("100", "F", "C")
    try:
        result = convert(amount, source, target)
    except ValueError as error:
        sys.exit(str(error))
    print(f"{amount} {source} = {float(result):.6g} {target}")
