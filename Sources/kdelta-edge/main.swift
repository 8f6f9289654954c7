// kdelta-edge: the KoruDelta Edge command line. Wiring only: every command opens the
// store through KDeltaStorage and prints what it returns.
StandardOutput.start()
KDeltaEdge.run()
