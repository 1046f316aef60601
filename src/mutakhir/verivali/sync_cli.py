"""`mutakhir verivali` actions of the sync part: {name: (add_arguments(parser), handle(command, options))}."""

ACTIONS = {}
