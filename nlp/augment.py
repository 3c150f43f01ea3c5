"""Old command name kept working: `python -m nlp.augment` is `python -m nlp augment`."""

if __name__ == "__main__":
    from nlp.tools.augment import main

    raise SystemExit(main())
