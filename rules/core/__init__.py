"""The small core every policy module builds on: money, dates, categories, citations,
dated parameters, the explanation trace and the domain errors."""
