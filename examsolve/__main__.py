from examsolve.cli import main

main()
