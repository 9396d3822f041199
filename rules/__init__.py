"""Bingpin's rules: local medical-assistance policies against 因病致贫返贫, as pure Python."""
