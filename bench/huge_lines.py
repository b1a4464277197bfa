"""How long each codec takes to refuse a one-line over-long value or key (issue 15).

Not a test: timings depend on the machine. Each case parses a generated file with the codec
directly (the import API would then refuse too, but later); the figures are in
docs/import-export.md ("Over-long keys and values"). Compare two checkouts by pointing PYTHONPATH at their `src`:

    PYTHONPATH=src python bench/huge_lines.py [--mb 15] [--formats yaml po ...]
"""

from __future__ import annotations

import argparse
import time

from entri.formats import FormatError, get_format

VALUE_CASES = {
    "json-flat": '{{"k": "{v}"}}',
    "yaml": "fr:\n  k: {v}\n",
    "po": 'msgid "k"\nmsgstr "{v}"\n',
    "properties": "k={v}\n",
    "php-array": "<?php\nreturn ['k' => '{v}'];\n",
}
KEY_CASES = {
    "json-flat": '{{"{v}": "v"}}',
    "yaml": "fr:\n  ? {v}\n  : v\n",
    "po": 'msgid "{v}"\nmsgstr "v"\n',
    "properties": "{v}=v\n",
    "php-array": "<?php\nreturn ['{v}' => 'v'];\n",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=15.0, help="length of the long value/key in millions of characters")
    parser.add_argument("--formats", nargs="*", default=list(VALUE_CASES))
    args = parser.parse_args()
    long = "x" * int(args.mb * 1_000_000)
    for label, cases in (("value", VALUE_CASES), ("key", KEY_CASES)):
        for format_id in args.formats:
            data = cases[format_id].format(v=long).encode()
            codec = get_format(format_id).codec()
            started = time.perf_counter()
            try:
                catalog = codec.parse(data, "fr")
                outcome = f"accepted ({len(catalog.entries)} entries; the import layer refuses it after parsing)"
            except FormatError as exc:
                outcome = "refused: " + str(exc)[:90]
            print(f"{label:5} {format_id:11} {time.perf_counter() - started:6.2f} s  {outcome}", flush=True)


if __name__ == "__main__":
    main()
