"""`mutakhir verivali` actions of the signals part: {name: (add_arguments(parser), handle(command, options))}."""

ACTIONS = {}
