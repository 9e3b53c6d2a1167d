from natcert.cli import main

main()
