"""The course tooling: exercise checks, the exercise generator and the autograder.

Learners never need it: `import adamedu` does not import this package.
"""
