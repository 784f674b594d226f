"""Write the golden answers: ``python -m tests.golden.record [NAME ...]`` (default: all)."""

from __future__ import annotations

import gzip
import json
import sys

from tests.golden.cases import COMMANDS, DATA, SHARED_TNTP, route_answers


def main(names: list[str]) -> None:
    DATA.mkdir(exist_ok=True)
    chosen = names or ["routes", *COMMANDS]
    for name in chosen:
        if name.startswith("assign-tntp") and not SHARED_TNTP.is_dir():
            raise SystemExit(f"{SHARED_TNTP} is absent: cannot record {name}")
        if name == "routes":
            lines = [json.dumps(a, sort_keys=True, ensure_ascii=False) for a in route_answers()]
            text = "\n".join(lines) + "\n"
            with gzip.GzipFile(DATA / "routes.jsonl.gz", "wb", mtime=0) as file:
                file.write(text.encode("utf-8"))
        else:
            text = json.dumps(COMMANDS[name](), indent=1, sort_keys=True, ensure_ascii=False)
            (DATA / f"{name}.json").write_text(text + "\n", encoding="utf-8")
        print(f"recorded {name}")


if __name__ == "__main__":
    main(sys.argv[1:])
