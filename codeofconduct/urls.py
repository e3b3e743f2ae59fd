app_name = "codeofconduct"

urlpatterns = []
