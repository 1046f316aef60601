"""Administrative signals: agency extracts (layouts, import), contradiction rules, the flag list."""
