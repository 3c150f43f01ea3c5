"""Command line: `python -m nlp classify|evaluate|train|augment` (see each subcommand's --help)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from nlp import load_classifier
from nlp.tools import augment, evaluate, real_corpus, train
from nlp.tools.jsonl import read_jsonl

DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / "config.yaml"


def cmd_classify(args: argparse.Namespace) -> int:
    """Read JSONL messages on stdin, write one JSON result per message on stdout."""
    clf = load_classifier(args.config)
    out = sys.stdout
    for obj in read_jsonl(sys.stdin):
        result = clf.classify(obj["text"], obj.get("group"))
        row = {"id": obj.get("id"), **result.as_dict()}
        if args.explain:
            row.update(confidence=result.confidence, evidence=list(result.evidence), ask=result.ask)
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Score the classifier on a labelled file; --cv K cross-validates the learned model."""
    if args.cv:
        return evaluate.cross_validate(args.config, args.cv, args.data, show_errors=args.errors)
    return evaluate.evaluate_file(args.config, args.file, not args.quiet, args.real)


def cmd_train(args: argparse.Namespace) -> int:
    """Train the linear model from the repo's labelled data and write nlp/data/model.json."""
    return train.main(args.config, args.data, args.out)


def cmd_augment(args: argparse.Namespace) -> int:
    """Regenerate nlp/data/train/generated.tsv from nlp/data/augment/slots.yaml."""
    return augment.main()


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    sys.stdout.reconfigure(encoding="utf-8")
    sys.stdin.reconfigure(encoding="utf-8", errors="replace")
    parser = argparse.ArgumentParser(prog="python -m nlp")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("classify", help="JSONL on stdin -> labels JSONL on stdout")
    p.add_argument("--config", default=str(DEFAULT_CONFIG))
    p.add_argument("--explain", action="store_true", help="add confidence, evidence and ask")
    p.set_defaults(func=cmd_classify)
    p = sub.add_parser("evaluate", help="precision/recall/F1 on a labelled JSONL file")
    p.add_argument("file", nargs="?")
    p.add_argument("--config", default=str(DEFAULT_CONFIG))
    p.add_argument("--cv", type=int, default=0, help="k-fold cross-validation on training data")
    p.add_argument("--data", default=None, help="training data for --cv (default nlp/data/train)")
    p.add_argument("--quiet", action="store_true", help="do not list misclassified lines")
    p.add_argument("--errors", action="store_true", help="with --cv: list misclassified lines")
    p.add_argument(
        "--real", choices=real_corpus.SPLITS, help="the real corpus split (texts rebuilt locally)"
    )
    p.set_defaults(func=cmd_evaluate)
    p = sub.add_parser("train", help="train the linear model from nlp/data/train/*.tsv")
    p.add_argument("--config", default=str(DEFAULT_CONFIG))
    p.add_argument("--data", default=None)
    p.add_argument("--out", default=None)
    p.set_defaults(func=cmd_train)
    p = sub.add_parser("augment", help="regenerate data/train/generated.tsv from the slots file")
    p.set_defaults(func=cmd_augment)
    args = parser.parse_args(argv)
    if args.command == "evaluate" and not (args.cv or args.file or args.real):
        parser.error("evaluate needs FILE, --real SPLIT or --cv K")
    return args.func(args)
