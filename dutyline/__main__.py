"""`python -m dutyline` runs the same CLI as the `dutyline` console script."""

from dutyline.cli import main

raise SystemExit(main())
