"""mscare: an open, offline, cited guide to multiple sclerosis treatment and care."""

__version__ = "0.1.0"
