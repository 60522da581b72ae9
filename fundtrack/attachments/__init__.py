"""Documents kept with the money (报账要件): files attached to channels, projects,
payments and findings, stored whole and checked whenever served."""
