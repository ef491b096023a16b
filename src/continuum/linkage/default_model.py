"""Train the packaged default model on Continuum's synthetic multi-agency data.

    python -m continuum.linkage.default_model [--records N] [--out PATH]

The default model is what a new area matches with until it trains its own model on its own
data (`continuum linkage_train`). It is deterministic: the same engine and seed give the same
parameters.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from continuum.linkage.engine import model as engine_model
from continuum.linkage.engine import synthetic

OUT = Path(__file__).with_name("default_model.json")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    dataset = synthetic.generate(args.records, seed=args.seed)
    frame = engine_model.prepare_frame(dataset.records())
    trained = engine_model.train(frame)
    payload = trained.to_dict()
    payload["trained_on"] = f"synthetic:{args.records}:seed={args.seed}"
    args.out.write_text(json.dumps(payload, indent=1, sort_keys=True), "utf-8")
    print(f"Wrote {args.out} (model {trained.model_version}, {len(frame)} records)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
