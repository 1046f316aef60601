"""Selection of registry households for re-verification, and the outcome report of the period."""
