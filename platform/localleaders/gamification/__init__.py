"""Game rules over the models: point awards and levels. Knows nothing of HTTP."""
