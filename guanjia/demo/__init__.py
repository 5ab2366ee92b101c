"""Demo and benchmark data: the Xianyang-shaped demo zone (`guanjia demo`) and the bulk generator (`guanjia seed`).

Not an installed app: no models, only code that writes through the other apps.
"""
