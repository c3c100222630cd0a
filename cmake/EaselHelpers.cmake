# Small helpers shared by every CMakeLists.txt of the project.

# easel_add_test(NAME <name> SOURCES <files...> [LIBS <targets...>] [LABELS <labels...>] [GUI])
# One Qt Test executable per test class; registered with CTest. Slow tests carry the
# label "slow" so `ctest -LE slow` keeps the quick loop quick.
function(easel_add_test)
  cmake_parse_arguments(T "GUI" "NAME" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE Qt6::Test ${T_LIBS})
  target_compile_definitions(${T_NAME} PRIVATE
    EASEL_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data"
    EASEL_SHARED_DATA_DIR="${PROJECT_SOURCE_DIR}/../shared/data")
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  # OpenMP threads must not busy-wait: tests share two cores (see core/base/process_setup.h).
  set(env "QT_QPA_PLATFORM=offscreen;OMP_WAIT_POLICY=PASSIVE")
  set_tests_properties(${T_NAME} PROPERTIES ENVIRONMENT "${env}" TIMEOUT 600)
  if(T_LABELS)
    set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}")
  endif()
endfunction()

# easel_add_tests_in(<dir> LIBS <targets...>): one test per tst_*.cpp in <dir>.
function(easel_add_tests_in dir)
  cmake_parse_arguments(T "" "" "LIBS" ${ARGN})
  file(GLOB tests CONFIGURE_DEPENDS "${dir}/tst_*.cpp")
  foreach(src ${tests})
    get_filename_component(name ${src} NAME_WE)
    set(labels "")
    file(STRINGS ${src} slow_marker REGEX "EASEL_TEST_LABEL: slow")
    if(slow_marker)
      set(labels slow)
    endif()
    easel_add_test(NAME ${name} SOURCES ${src} LIBS ${T_LIBS} LABELS ${labels})
  endforeach()
endfunction()
