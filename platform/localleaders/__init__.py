"""Local Leaders: gamified leadership training for civic leaders."""

__version__ = "0.1.0"
