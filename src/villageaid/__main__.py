from villageaid.cli import main

main()
