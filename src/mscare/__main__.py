from mscare.cli import main

main()
