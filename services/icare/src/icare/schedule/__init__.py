"""The monthly export of each agency, on the day it chose."""
