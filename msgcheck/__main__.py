from msgcheck.cli import main

main()
