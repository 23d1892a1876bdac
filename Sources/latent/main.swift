import LatentCLI

LatentCommand.runMain()
