from localleaders.cli import main

main()
