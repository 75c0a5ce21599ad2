module kubedebug.local/testbed/pause

go 1.21
