"""This app's part of the demo camp (see camp/management/commands/seed_demo.py)."""


def seed(stdout) -> None:
    return None
