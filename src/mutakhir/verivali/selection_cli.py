"""`mutakhir verivali` actions of the selection part: {name: (add_arguments(parser), handle(command, options))}."""

ACTIONS = {}
