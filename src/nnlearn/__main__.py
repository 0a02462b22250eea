from nnlearn.cli import run

run()
