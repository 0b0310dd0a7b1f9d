module sluicebench/task

go 1.19
