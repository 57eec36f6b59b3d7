"""A sample file for each kind of import: the columns, and one or two rows to copy."""

SAMPLES = {
    "enrolment": (
        "udise_code,class,boys,girls,third_gender\n23320100101,1,14,12,0\n23320100101,2,11,13,0\n"
    ),
    "students": (
        "student_id,name,gender,class,section,udise_code,date_of_birth\n"
        "123456789,Ravi Kumar,M,3,A,23320100101,2017-06-14\n"
    ),
    "staff": (
        "employee_code,name,designation,udise_code,mobile,posted_on\n"
        "EMP1001,Tarun Sahu,Primary Teacher,23320100101,9876500002,2021-07-01\n"
    ),
}
