print("secondline")
