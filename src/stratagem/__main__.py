"""``python -m stratagem`` runs the command line."""

from stratagem.cli.main import main

main()
