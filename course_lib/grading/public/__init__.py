"""The public test cases of each exercise, shipped with the package (hidden ones are not)."""
