def __getattr__(name):
    raise NotImplementedError(f"matplotlib.pyplot.{name} is not provided by the fixture generator's shim")
