namespace u5::growth {}
