# `svcsim compare` and `svcsim explore` under MPI (issue 12), registered when svcsim is built with
# MPI (SVCSIM_MPI): the same report, byte for byte, from a plain process and from 1, 2 and 4 ranks
# (and 2 ranks of 2 threads). compare: in text and JSON, on a rollout with rings and a halt rule
# and on a plain chain, and the report written by rank 0 alone with --output. explore: every
# shipped scenario on 2 and 4 ranks, and the synthetic n = 16 chain and a chain with a fault on
# 1, 2 and 4. A malformed scenario, ranks that read different files and a subcommand that does
# not run on several ranks refused once, exit 2, by every rank, without a hang.
#
# Open MPI's mpirun refuses to run as root without --allow-run-as-root (CI runs as root), will not
# start more ranks than cores without --oversubscribe (CI has 2), and with --quiet leaves out its
# banner when a rank exits non-zero, so a refused input is svcsim's one line.
set(svcsim_mpirun ${MPIEXEC_EXECUTABLE} --allow-run-as-root --oversubscribe --quiet)
list(JOIN svcsim_mpirun " " svcsim_mpirun_line)  # for a bash -c line
set(svcsim_mpi_identical ${SVCSIM_BASH} ${PROJECT_SOURCE_DIR}/tests/mpi_identical.sh)
# Each test starts mpirun four times (about 0.5 s each here) on a small fleet; none may hang.
set(svcsim_mpi_timeout_s 120)

# april-2026-server-oob: rings, an out-of-band fix and a halt rule (autopatch halts at seed 4:
# simulator/test/fleet_test.cpp), so the ranks must merge the first pass's rings before the halt day.
foreach(format text json)
  add_test(NAME mpi.compare.april-2026-server-oob.${format}
           COMMAND ${svcsim_mpi_identical} $<TARGET_FILE:svcsim> ${CMAKE_CURRENT_BINARY_DIR}/mpi-april-${format}
                   ${svcsim_mpirun} -- compare
                   scenarios/april-2026-server-oob.yaml --devices 4001 --seed 4 --format ${format}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
endforeach()
add_test(NAME mpi.compare.kb5086672-online.json
         COMMAND ${svcsim_mpi_identical} $<TARGET_FILE:svcsim> ${CMAKE_CURRENT_BINARY_DIR}/mpi-kb5086672
                 ${svcsim_mpirun} -- compare
                 scenarios/kb5086672-online.yaml --devices 4001 --seed 7 --format json
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
# Fewer devices than ranks: some ranks simulate none.
add_test(NAME mpi.compare.fewer_devices_than_ranks
         COMMAND ${svcsim_mpi_identical} $<TARGET_FILE:svcsim> ${CMAKE_CURRENT_BINARY_DIR}/mpi-three
                 ${svcsim_mpirun} -- compare
                 scenarios/april-2026-server-oob.yaml --devices 3 --format json
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
# --output on 2 ranks: the file rank 0 wrote is the plain run's stdout, and no temporary is left.
add_test(NAME mpi.compare.output_written_by_rank_0
         COMMAND ${SVCSIM_BASH} -c "set -e; d=$0; rm -rf $d; mkdir -p $d; f=scenarios/kb5086672-online.yaml; \
$1 compare $f --devices 999 --format json > $d/plain.json; \
${svcsim_mpirun_line} -np 2 $1 compare $f --devices 999 --format json --output $d/report.json > $d/stdout; \
cmp $d/plain.json $d/report.json; test ! -s $d/stdout; test \"$(ls $d)\" = \"$(printf 'plain.json\\nreport.json\\nstdout')\""
                 ${CMAKE_CURRENT_BINARY_DIR}/mpi-output $<TARGET_FILE:svcsim>
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
# A malformed scenario: every rank finds the error, rank 0 alone prints it, all exit 2.
add_test(NAME mpi.compare.bad_scenario
         COMMAND ${svcsim_expect_exit} 2 --stderr-lines 1
                 --stderr "^tests/data/bad-fleet-shares.yaml:17:9: the ring shares add up to 0.9, not 1 \\(fleet.rollouts\\[0\\].rings\\)$"
                 -- ${svcsim_mpirun} -np 2 $<TARGET_FILE:svcsim> compare tests/data/bad-fleet-shares.yaml
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
add_test(NAME mpi.compare.unknown_strategy
         COMMAND ${svcsim_expect_exit} 2 --stderr-lines 1
                 --stderr "^svcsim: --strategies: unknown strategy 'bogus' "
                 -- ${svcsim_mpirun} -np 4 $<TARGET_FILE:svcsim> compare scenarios/kb5086672-online.yaml --strategies bogus
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
# Ranks that disagree (mpirun's MPMD form gives each rank its own words): one whose file is
# missing, or one that read another file, stops every rank before the first reduction.
add_test(NAME mpi.compare.rank_1_cannot_load
         COMMAND ${svcsim_expect_exit} 2 --stderr-lines 1
                 --stderr "^svcsim: rank 1 of 2 could not check the arguments or load 'scenarios/kb5086672-online.yaml'; every rank must read the same files$"
                 -- ${svcsim_mpirun} -np 1 $<TARGET_FILE:svcsim> compare scenarios/kb5086672-online.yaml --devices 10
                    : -np 1 $<TARGET_FILE:svcsim> compare scenarios/no-such-file.yaml --devices 10
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
add_test(NAME mpi.compare.ranks_read_other_files
         COMMAND ${svcsim_expect_exit} 2 --stderr-lines 1
                 --stderr "^svcsim: rank 2 of 3 read another 'scenarios/kb5086672-online.yaml' or other arguments than rank 0; "
                 -- ${svcsim_mpirun} -np 2 $<TARGET_FILE:svcsim> compare scenarios/kb5086672-online.yaml --devices 10
                    : -np 1 $<TARGET_FILE:svcsim> compare scenarios/kb5086672-method1.yaml --devices 10
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
# explore: the same JSON on any number of ranks. Every shipped scenario (one mpirun each: the
# library takes most of a minute per rank count here); the synthetic chain of 16 steps, with no
# fault and, in 12 steps, with one (runs that stop early, witnesses from every rank).
foreach(ranks 2 4)
  add_test(NAME mpi.explore.library.np${ranks}
           COMMAND ${SVCSIM_BASH} ${PROJECT_SOURCE_DIR}/tests/mpi_explore_library.sh $<TARGET_FILE:svcsim>
                   ${CMAKE_CURRENT_BINARY_DIR}/mpi-explore-library-${ranks} ${ranks} ${svcsim_mpirun}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
endforeach()
add_test(NAME mpi.explore.chain-16
         COMMAND ${svcsim_mpi_identical} $<TARGET_FILE:svcsim> ${CMAKE_CURRENT_BINARY_DIR}/mpi-chain-16
                 ${svcsim_mpirun} -- explore
                 scenarios/synthetic/chain-16-one-fault.yaml --faults 0 --format json --no-timing
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
add_test(NAME mpi.explore.chain-12-one-fault
         COMMAND ${svcsim_mpi_identical} $<TARGET_FILE:svcsim> ${CMAKE_CURRENT_BINARY_DIR}/mpi-chain-12
                 ${svcsim_mpirun} -- explore
                 scenarios/synthetic/chain-12.yaml --faults 1 --format json --no-timing
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
# Messages cut in pieces of 4 KiB, as a message past 1 GiB is cut in pieces of 1 GiB: the pieces
# must rejoin in order (no test message is 1 GiB; cluster.cpp's SVCSIM_MPI_PIECE_BYTES).
add_test(NAME mpi.explore.small_pieces
         COMMAND ${CMAKE_COMMAND} -E env SVCSIM_MPI_PIECE_BYTES=4096
                 ${svcsim_mpi_identical} $<TARGET_FILE:svcsim> ${CMAKE_CURRENT_BINARY_DIR}/mpi-small-pieces
                 ${svcsim_mpirun} -- explore
                 scenarios/synthetic/chain-12.yaml --faults 1 --format json --no-timing
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
# --progress on 2 ranks: one stream of lines, rank 0's, each saying so (every rank printed its
# own before, interleaved on the shared stderr).
add_test(NAME mpi.explore.progress_from_rank_0
         COMMAND ${SVCSIM_BASH} -c "set -e; err=$(${svcsim_mpirun_line} -np 2 $0 explore \
scenarios/synthetic/chain-16-one-fault.yaml --faults 0 --threads 1 --progress --format json 2>&1 >/dev/null); \
test -n \"$err\"; ! grep -v -E '^explore: layer [0-9]+/16 .* MiB on rank 0 of 2$' <<<\"$err\""
                 $<TARGET_FILE:svcsim>
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
# What explore cannot do on several ranks is one line and exit 2 from every rank: a graph.
add_test(NAME mpi.explore.dot_refused
         COMMAND ${svcsim_expect_exit} 2 --stderr-lines 1
                 --stderr "^svcsim: explore: --format dot draws a small graph on one rank: run it without mpirun$"
                 -- ${svcsim_mpirun} -np 2 $<TARGET_FILE:svcsim> explore scenarios/kb5086672-online.yaml --format dot
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
add_test(NAME mpi.explore.rank_1_cannot_load
         COMMAND ${svcsim_expect_exit} 2 --stderr-lines 1
                 --stderr "^svcsim: rank 1 of 2 could not check the arguments or load 'scenarios/kb5086672-online.yaml'; every rank must read the same files$"
                 -- ${svcsim_mpirun} -np 1 $<TARGET_FILE:svcsim> explore scenarios/kb5086672-online.yaml
                    : -np 1 $<TARGET_FILE:svcsim> explore scenarios/no-such-file.yaml
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
# Only compare and explore split their work; another subcommand on several ranks is one line and
# exit 2, and on one rank it runs as without mpirun.
add_test(NAME mpi.check_on_two_ranks_refused
         COMMAND ${svcsim_expect_exit} 2 --stderr-lines 1
                 --stderr "^svcsim: check runs on one rank only, and this is rank 0 of 2; "
                 -- ${svcsim_mpirun} -np 2 $<TARGET_FILE:svcsim> check scenarios/kb5086672-online.yaml
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
add_test(NAME mpi.check_on_one_rank
         COMMAND ${svcsim_expect_exit} 0 --stdout "^PASS  scenarios/kb5086672-online.yaml "
                 -- ${svcsim_mpirun} -np 1 $<TARGET_FILE:svcsim> check scenarios/kb5086672-online.yaml
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})

get_property(svcsim_mpi_tests DIRECTORY PROPERTY TESTS)
list(FILTER svcsim_mpi_tests INCLUDE REGEX "^mpi\\.")
set_tests_properties(${svcsim_mpi_tests} PROPERTIES TIMEOUT ${svcsim_mpi_timeout_s} LABELS mpi)
