from crisisline.cli import main

main()
