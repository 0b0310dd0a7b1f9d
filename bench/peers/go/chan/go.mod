module sluicebench/chan

go 1.19
