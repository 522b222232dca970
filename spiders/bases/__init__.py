"""Base spider classes for API patterns; a source module only sets class attributes."""
