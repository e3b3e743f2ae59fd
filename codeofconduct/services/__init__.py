"""Workflows that change the record of the code of conduct: publishing (`publishing`) and reading,
acknowledging and team notification (`acknowledging`). Views and jobs call these; never the models' save()."""
