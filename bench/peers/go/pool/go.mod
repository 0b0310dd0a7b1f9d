module sluicebench/pool

go 1.19
