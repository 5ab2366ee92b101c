from guanjia.manage import main

main()
