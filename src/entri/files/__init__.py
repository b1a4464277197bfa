"""files: import and export of locale files through the format codecs."""
