from kerasfix.cli import main

main()
